// Preloaded with `node --import` before a `ferry` command: appends the URL of every module the command loads to the
// file named by FERRY_TEST_LOADS, so a test can see what a command loaded (and what it did not).

import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const file = process.env.FERRY_TEST_LOADS
if (file !== undefined && file !== '') {
  registerHooks({
    load (url, context, nextLoad) {
      appendFileSync(file, `${url}\n`)
      return nextLoad(url, context)
    }
  })
}
