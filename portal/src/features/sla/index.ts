// The SLA feature's public face: the ticket view's SLA panel.
export { SlaPanel } from "./components/SlaPanel";
