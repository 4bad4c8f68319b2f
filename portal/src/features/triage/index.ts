// The triage feature's public face: the ticket view's AI panel (predictions and the feedback on them).
export { AiPanel } from "./components/AiPanel";
