// State of a new-password form part: the password, its repeat, and the problem found on submit.
import { useState } from "react";

import { passwordProblem } from "./selfservice";

export interface NewPassword {
  password: string;
  repeat: string;
  problem: string | null;
  setPassword: (value: string) => void;
  setRepeat: (value: string) => void;
  /** Checks both fields, shows the problem if any; true when the password may be sent. */
  validate: () => boolean;
}

export function useNewPassword(): NewPassword {
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  return {
    password,
    repeat,
    problem,
    setPassword,
    setRepeat,
    validate() {
      const issue = passwordProblem(password, repeat);
      setProblem(issue);
      return issue === null;
    },
  };
}
