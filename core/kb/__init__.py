"""Knowledge base: categories, sections, articles with versions and translations, search, deflection."""
