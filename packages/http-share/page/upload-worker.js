// The recipient page's uploads, in a dedicated Worker so the page's own thread never reads, hashes or sends a byte:
// it opens the upload WebSocket itself, reads each file in large slices (the next one is read while the current one
// is hashed and sent), hashes with hash-wasm's streaming BLAKE3 as it goes, and sends frames of the server's
// `maxFrameBytes` as views into the slice it read (no copy of its own) within the server's credit
// (docs/http-share.md, "Upload protocol"). It tells the page what happens in small messages: `status`, `row`,
// `progress`, `finished`.
'use strict'

importScripts('/assets/hash-wasm-blake3.js')

/**
 * Bytes read from a file per step. Each read is a trip to the browser's file backend; a few MiB make those trips
 * rare without holding much (two slices at a time: the one being sent and the next one being read).
 */
const READ_BYTES = 8 * 1024 * 1024
/** Progress messages to the page at most this often per file, in ms. */
const PROGRESS_EVERY_MS = 100

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'upload') upload(event.data)
})

function post (message) {
  self.postMessage(message)
}

function upload ({ url, files, names, alias }) {
  const ws = new WebSocket(url)
  ws.binaryType = 'arraybuffer'
  let credit = 0
  let wake = null
  let maxFrame = 0
  let finished = false
  const wakeUp = () => {
    if (wake === null) return
    const w = wake
    wake = null
    w()
  }
  const fail = (message) => {
    if (finished) return
    finished = true
    post({ type: 'finished', ok: false, message })
    wakeUp()
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close()
  }
  const send = (message) => ws.send(JSON.stringify(message))

  async function sendFile (id) {
    const file = files[id]
    post({ type: 'row', id, state: 'sending', text: 'sending' })
    send({ type: 'file', id })
    const hasher = await self.hashwasm.createBLAKE3()
    hasher.init()
    const read = (position) => file.slice(position, Math.min(file.size, position + READ_BYTES)).arrayBuffer()
    let next = file.size > 0 ? read(0) : null
    let lastProgress = 0
    for (let position = 0; position < file.size;) {
      const slice = new Uint8Array(await next)
      if (slice.byteLength === 0) throw new Error(`${file.name} could not be read to its end`)
      const end = position + slice.byteLength
      // The next slice is read while this one is hashed and sent.
      next = end < file.size ? read(end) : null
      for (let offset = 0; offset < slice.byteLength;) {
        const frame = slice.subarray(offset, Math.min(slice.byteLength, offset + maxFrame))
        while (credit < frame.byteLength && !finished) await new Promise((resolve) => { wake = resolve })
        if (finished) return
        credit -= frame.byteLength
        hasher.update(frame)
        ws.send(frame)
        offset += frame.byteLength
      }
      position = end
      const now = performance.now()
      if (now - lastProgress >= PROGRESS_EVERY_MS || position === file.size) {
        lastProgress = now
        post({ type: 'progress', id, bytes: position })
      }
    }
    post({ type: 'row', id, state: 'checking', text: 'checking' })
    send({ type: 'file-end', id, blake3: hasher.digest('hex') })
  }

  async function sendFiles (ids) {
    for (const id of ids) {
      if (finished) return
      await sendFile(id)
    }
  }

  ws.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return
    const message = JSON.parse(event.data)
    switch (message.type) {
      case 'hello':
        maxFrame = message.maxFrameBytes
        send({
          type: 'offer',
          alias: alias || undefined,
          files: files.map((f, i) => ({ path: names[i], size: f.size, lastModified: f.lastModified }))
        })
        break
      case 'waiting':
        post({ type: 'status', text: 'Waiting for the other computer to accept…' })
        break
      case 'answer':
        if (!message.accepted) {
          fail('The other computer declined these files')
          break
        }
        post({ type: 'status', text: 'Sending…' })
        credit = message.creditBytes
        for (let id = 0; id < files.length; id++) if (!message.files.includes(id)) post({ type: 'row', id, state: 'skipped', text: 'not wanted' })
        sendFiles(message.files).catch((err) => fail(err.message))
        break
      case 'ack':
        credit += message.bytes
        wakeUp()
        break
      case 'verified':
        post({ type: 'row', id: message.id, state: 'verified', text: `✓ received and verified (BLAKE3) as ${message.savedAs}` })
        break
      case 'done':
        finished = true
        post({ type: 'finished', ok: true, message: `Sent ${message.files === 1 ? '1 file' : `${message.files} files`}, all verified` })
        break
      case 'error':
        fail(message.message)
        break
    }
  })
  ws.addEventListener('close', (event) => {
    if (!finished) fail(event.code === 1009 ? 'A piece of a file was too large for the server' : 'The connection closed before the files were saved')
  })
}
