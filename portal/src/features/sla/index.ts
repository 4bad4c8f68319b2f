// The SLA feature's public face: the ticket view's SLA panel and the time-left wording the inbox shows.
export { SlaPanel } from "./components/SlaPanel";
export { remainingText } from "./components/slaText";
