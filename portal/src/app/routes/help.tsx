// The help center: categories, search and one article, open to everyone.
export { ArticlePage } from "@/features/kb/components/ArticlePage";
export { HelpCenter } from "@/features/kb/components/HelpCenter";
export { KbSearchPage } from "@/features/kb/components/KbSearchPage";
