// What the knowledge base offers other features: linking articles in a reply, drafting one from a ticket.
// (Its reader pages are composed into routes by the app.)
export { ArticleLinkPicker, DraftArticleButton, type LinkedArticle } from "./components/ArticleLinks";
