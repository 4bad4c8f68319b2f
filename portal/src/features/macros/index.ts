// The macros feature's public face: the composer's macro picker.
export { MacroPicker } from "./components/MacroPicker";
