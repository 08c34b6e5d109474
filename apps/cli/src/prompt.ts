// Yes/no questions on the terminal, for decisions the app (not the engine) makes: accept this offer or upload?

import { createInterface } from 'node:readline/promises'

/**
 * Asks `question` on `output` (stderr when stdout carries JSON lines); true only for "y"/"yes". False without a
 * terminal, or once `withdrawn` aborts.
 */
export async function askYesNo (question: string, withdrawn: AbortSignal, output: NodeJS.WritableStream = process.stdout): Promise<boolean> {
  if (process.stdin.isTTY !== true && process.stdin.readable !== true) return false
  const rl = createInterface({ input: process.stdin, output })
  try {
    const answer = await rl.question(question, { signal: withdrawn })
    return /^y(es)?$/i.test(answer.trim())
  } catch {
    return false
  } finally {
    rl.close()
  }
}
