// The privacy feature: the admins' page (data-access archives, erasure, retention).
export { PrivacyPage } from "./components/PrivacyPage";
