// Catches a render error below it and shows `fallback` instead of a blank page; a new `resetKey`
// (say, another address) tries the children again.
import { Component, type ErrorInfo, type ReactNode } from "react";

type Props = { children: ReactNode; fallback: (error: unknown) => ReactNode; resetKey?: string };
type State = { failed: boolean; error: unknown };

export class ErrorBoundary extends Component<Props, State> {
  state: State = { failed: false, error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { failed: true, error };
  }

  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error("The portal failed to render", error, info.componentStack);
  }

  componentDidUpdate(previous: Props) {
    if (this.state.failed && previous.resetKey !== this.props.resetKey) this.setState({ failed: false, error: null });
  }

  render() {
    return this.state.failed ? this.props.fallback(this.state.error) : this.props.children;
  }
}
