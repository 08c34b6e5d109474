// Questions on the terminal, for decisions the app (not the engine) makes: accept this offer or upload? One owner
// for how a question is asked: on stderr when stdout carries JSON lines, and never waiting for a line that cannot
// come (no terminal, stdin at its end, the offer withdrawn).

import { createInterface } from 'node:readline/promises'

/**
 * Asks `question` on `output` and resolves with the line typed, or undefined without one: no readable stdin, stdin
 * ended (a service, `< /dev/null`, a pipe that closed) before a line came, or `withdrawn` aborted.
 */
export async function askLine (question: string, withdrawn: AbortSignal | undefined, output: NodeJS.WritableStream = process.stdout): Promise<string | undefined> {
  if (process.stdin.isTTY !== true && process.stdin.readable !== true) return undefined
  if (withdrawn?.aborted === true) return undefined
  const rl = createInterface({ input: process.stdin, output })
  // readline's question() never settles once its input has ended; the interface's close does tell.
  const ended = new Promise<undefined>((resolve) => { rl.once('close', () => { resolve(undefined) }) })
  try {
    return await Promise.race([withdrawn === undefined ? rl.question(question) : rl.question(question, { signal: withdrawn }), ended])
  } catch {
    return undefined
  } finally {
    rl.close()
  }
}

/** Asks a yes/no `question`: true only for "y"/"yes"; false without an answer (see askLine). */
export async function askYesNo (question: string, withdrawn: AbortSignal, output: NodeJS.WritableStream = process.stdout): Promise<boolean> {
  const answer = await askLine(question, withdrawn, output)
  return answer !== undefined && /^y(es)?$/i.test(answer.trim())
}
