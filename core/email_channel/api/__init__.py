"""The email REST API: the inbound-mail webhook (`inbound`) and the tenant's IMAP mailboxes (`mailboxes`)."""
