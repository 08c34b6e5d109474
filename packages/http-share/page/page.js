// The recipient page's behaviour, plain browser JavaScript with no framework: read the share's file list (asking for
// the PIN when the share has one, with the tries left and a held button while the server refuses attempts), say who
// shares what until when, offer each file as a normal download link (the browser streams it to disk and can resume
// it), a zip only for more than one file, check a downloaded copy's BLAKE3 with hash-wasm without uploading anything,
// say "This share has ended" once it expired or was revoked (instead of buttons that fail), and send files back
// through upload-worker.js, a Worker that speaks the upload protocol (docs/http-share.md, "Upload protocol").
'use strict'

;(() => {
  const token = location.pathname.split('/')[2] || ''
  const base = `/s/${token}/`
  /** Bytes read from a local file per step while hashing it for a check. */
  const VERIFY_CHUNK = 4 * 1024 * 1024
  const el = (id) => document.getElementById(id)
  const hashes = new Map()

  function formatBytes (n) {
    if (n < 1000) return `${n} B`
    const units = ['kB', 'MB', 'GB', 'TB']
    let value = n
    let unit = -1
    while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++ }
    return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`
  }

  function setStatus (text, kind) {
    const status = el('status')
    status.textContent = text
    status.className = kind || ''
  }

  function make (tag, props, children) {
    const node = document.createElement(tag)
    Object.assign(node, props || {})
    for (const child of children || []) node.append(child)
    return node
  }

  async function readError (res) {
    try {
      const body = await res.json()
      return body.error || { code: '', message: `HTTP ${res.status}` }
    } catch {
      return { code: '', message: `HTTP ${res.status}` }
    }
  }

  /** "1 file", "3 files". */
  function count (n, one, many) {
    return `${n.toLocaleString()} ${n === 1 ? one : (many || `${one}s`)}`
  }

  /** A moment in the visitor's own format, without seconds: "today at 14:05", "tomorrow at 00:30", "12 Mar 2026, 14:05". */
  function formatWhen (ms) {
    const when = new Date(ms)
    const time = when.toLocaleTimeString(undefined, { timeStyle: 'short' })
    const now = new Date()
    const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1)
    if (when.toDateString() === now.toDateString()) return `today at ${time}`
    if (when.toDateString() === tomorrow.toDateString()) return `tomorrow at ${time}`
    return when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
  }

  /** How often an open page asks whether its share is still there (revoked, expired), in ms. */
  const RECHECK_MS = 60_000
  /** setTimeout cannot wait longer than this. */
  const MAX_TIMER_MS = 2 ** 31 - 1
  let endTimer = null
  let recheckTimer = null
  let ended = false

  /** The share is gone: say so, and take away every button that would fail. */
  function end (reason) {
    if (ended) return
    ended = true
    clearTimeout(endTimer)
    clearInterval(recheckTimer)
    setStatus('')
    el('ended-reason').textContent = reason || 'Its link no longer works. Ask the sender for a new one if you still need the files.'
    el('ended').hidden = false
    el('files').hidden = true
    el('upload').hidden = true
    el('pin-form').hidden = true
    document.title = 'Share ended – Ferry'
  }

  async function fetchManifest () {
    return await fetch(`${base}files`, { credentials: 'same-origin', cache: 'no-store' })
  }

  async function load () {
    const res = await fetchManifest()
    if (res.status === 401) {
      setStatus('')
      el('pin-form').hidden = false
      el('pin-input').focus()
      return
    }
    if (res.status === 404 || res.status === 410) {
      const err = await readError(res)
      end(`${err.message}. Ask the sender for a new link if you still need the files.`)
      return
    }
    if (!res.ok) {
      const err = await readError(res)
      setStatus(err.message, 'bad')
      return
    }
    render(await res.json())
  }

  /** Ends the page when the share expires, and asks now and then (and when the tab comes back) whether it still exists. */
  function watchEnd (expiresAt) {
    clearTimeout(endTimer)
    const arm = () => {
      const wait = expiresAt - Date.now()
      if (wait <= 0) end('It expired. Ask the sender for a new link if you still need the files.')
      else endTimer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS))
    }
    arm()
    const recheck = async () => {
      if (ended || document.visibilityState === 'hidden') return
      try {
        const res = await fetchManifest()
        if (res.status === 404 || res.status === 410) end(`${(await readError(res)).message}. Ask the sender for a new link if you still need the files.`)
      } catch {
        // The sharing computer is not answering now: the next check, or a download, will tell.
      }
    }
    clearInterval(recheckTimer)
    recheckTimer = setInterval(recheck, RECHECK_MS)
    document.addEventListener('visibilitychange', () => { void recheck() })
  }

  function render (manifest) {
    el('pin-form').hidden = true
    document.title = `${manifest.name} – Ferry`
    el('share-name').textContent = manifest.name
    const from = el('share-from')
    from.hidden = !manifest.from
    from.textContent = manifest.from ? `${manifest.from} shares with you` : ''
    const size = formatBytes(manifest.totalBytes)
    el('share-meta').textContent = manifest.files.length === 0
      ? `Open until ${formatWhen(manifest.expiresAt)}`
      : `${count(manifest.files.length, 'file')}, ${size} · available until ${formatWhen(manifest.expiresAt)}`
    setStatus('')
    shared = manifest.files
    el('file-list').replaceChildren(...manifest.files.map(fileItem))
    // One file needs no zip: its own Download button is the whole share.
    const all = el('download-all')
    all.hidden = manifest.files.length < 2
    all.href = `${base}all.zip`
    all.setAttribute('download', manifest.zipName)
    el('total').textContent = manifest.files.length < 2 ? '' : `${count(manifest.files.length, 'file')}, ${size}`
    el('files').hidden = manifest.files.length === 0
    el('upload').hidden = !manifest.allowUpload
    watchEnd(manifest.expiresAt)
  }

  /** The files of the share, for the check of a downloaded copy. */
  let shared = []

  function fileItem (file) {
    const name = file.path.split('/').pop()
    const link = make('a', { className: 'button primary', href: `${base}files/${file.id}`, textContent: 'Download' })
    link.setAttribute('download', name)
    link.setAttribute('aria-label', `Download ${file.path}`)
    link.dataset.role = 'download'
    const item = make('li', { className: 'file' }, [
      make('div', { className: 'file-head' }, [
        make('span', { className: 'file-name', textContent: file.path }),
        make('span', { className: 'muted', textContent: formatBytes(file.size) })
      ]),
      link
    ])
    item.dataset.fileId = String(file.id)
    item.dataset.path = file.path
    return item
  }

  async function hashOf (file) {
    if (!hashes.has(file.id)) {
      const res = await fetch(`${base}files/${file.id}/blake3`, { credentials: 'same-origin' })
      if (!res.ok) throw new Error((await readError(res)).message)
      hashes.set(file.id, (await res.json()).blake3)
    }
    return hashes.get(file.id)
  }

  /** BLAKE3 of a local file, read in slices so a large file never sits in memory whole. */
  async function hashLocal (blob, onProgress) {
    const hasher = await globalThis.hashwasm.createBLAKE3()
    hasher.init()
    for (let position = 0; position < blob.size; position += VERIFY_CHUNK) {
      hasher.update(new Uint8Array(await blob.slice(position, position + VERIFY_CHUNK).arrayBuffer()))
      if (onProgress) onProgress(Math.min(blob.size, position + VERIFY_CHUNK))
    }
    return hasher.digest('hex')
  }

  /** The shared files a local copy could be: the same size, the one with the same name first ("a (1).jpg" too). */
  function candidatesFor (local) {
    const stem = (n) => n.replace(/ \(\d+\)(?=\.[^.]*$|$)/, '')
    const same = shared.filter((f) => f.size === local.size)
    const named = same.filter((f) => stem(f.path.split('/').pop()) === stem(local.name))
    return [...named, ...same.filter((f) => !named.includes(f))]
  }

  el('verify-button').addEventListener('click', () => {
    el('verify-picker').value = ''
    el('verify-picker').click()
  })

  el('verify-picker').addEventListener('change', async (event) => {
    const local = event.target.files[0]
    if (!local) return
    const line = el('verify-result')
    const say = (text, verdict) => {
      line.textContent = text
      line.className = `hash${verdict === 'match' ? ' ok' : verdict ? ' bad' : ''}`
      if (verdict) line.dataset.verdict = verdict
      else delete line.dataset.verdict
    }
    const candidates = candidatesFor(local)
    if (candidates.length === 0) {
      say(`✗ ${local.name} is not a complete copy of any file here: no shared file has its size (${formatBytes(local.size)}).`, 'mismatch')
      return
    }
    say(`Checking ${local.name}…`)
    try {
      const actual = await hashLocal(local, (done) => { say(`Checking ${local.name}… ${Math.floor(done * 100 / Math.max(1, local.size))}%`) })
      for (const file of candidates) {
        if (await hashOf(file) === actual) {
          say(`✓ ${local.name} is an intact copy of ${file.path} (BLAKE3 ${actual})`, 'match')
          return
        }
      }
      say(`✗ ${local.name} does not match ${candidates[0].path}: BLAKE3 ${actual}, expected ${await hashOf(candidates[0])}. Download it again.`, 'mismatch')
    } catch (err) {
      say(err.message, 'error')
    }
  })

  // PIN ----------------------------------------------------------------------------------------------------------

  const pinInput = el('pin-input')
  const pinSubmit = el('pin-submit')
  let lockTimer = null

  // Digits only: anything else is dropped as it is typed or pasted, and the page says why.
  pinInput.addEventListener('input', () => {
    const digits = pinInput.value.replace(/\D/g, '').slice(0, 6)
    if (digits !== pinInput.value) {
      pinInput.value = digits
      el('pin-error').textContent = 'The PIN is digits only.'
    }
  })

  /** Holds the form until the server takes attempts again, with a countdown. */
  function lockPin (seconds) {
    const until = Date.now() + seconds * 1000
    pinSubmit.disabled = true
    pinInput.disabled = true
    clearInterval(lockTimer)
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000)
      if (left <= 0) {
        clearInterval(lockTimer)
        pinSubmit.disabled = false
        pinInput.disabled = false
        pinSubmit.textContent = 'Open'
        el('pin-error').textContent = 'You can try the PIN again.'
        pinInput.focus()
        return
      }
      pinSubmit.textContent = `Wait ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`
    }
    tick()
    lockTimer = setInterval(tick, 1000)
  }

  el('pin-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const error = el('pin-error')
    const pin = pinInput.value.trim()
    if (!/^\d{6}$/.test(pin)) {
      error.textContent = 'The PIN has 6 digits.'
      pinInput.focus()
      return
    }
    error.textContent = ''
    pinSubmit.disabled = true
    let res
    try {
      res = await fetch(`${base}pin`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pin })
      })
    } catch {
      pinSubmit.disabled = false
      error.textContent = 'The sharing computer is not answering. Try again in a moment.'
      return
    }
    pinSubmit.disabled = false
    if (res.ok) {
      await load()
      return
    }
    const body = await res.json().catch(() => null)
    error.textContent = body?.error?.message ? `${body.error.message}.`.replace(/\.\.$/, '.') : `HTTP ${res.status}`
    if (res.status === 429) lockPin(Number(body?.retryAfterSeconds) || Number(res.headers.get('retry-after')) || 60)
    else if (res.status === 404 || res.status === 410) end(`${body?.error?.message || 'The share is gone'}. Ask the sender for a new link if you still need the files.`)
    else {
      pinInput.select()
      pinInput.focus()
    }
  })

  // Uploads ------------------------------------------------------------------------------------------------------

  const alias = el('alias-input')
  alias.value = localStorage.getItem('ferry-alias') || ''
  alias.addEventListener('change', () => { localStorage.setItem('ferry-alias', alias.value.trim()) })

  const drop = el('drop-zone')
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over') })
  drop.addEventListener('dragleave', () => { drop.classList.remove('over') })
  drop.addEventListener('drop', (event) => {
    event.preventDefault()
    drop.classList.remove('over')
    // Folders cannot be read as files; the page sends the files dropped and says what it left out.
    const files = []
    let folders = 0
    for (const item of event.dataTransfer.items) {
      const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null
      if (entry && entry.isDirectory) { folders++; continue }
      const file = item.getAsFile()
      if (file) files.push(file)
    }
    if (folders > 0) setStatus(`${count(folders, 'folder')} left out: drop the files inside them instead`)
    if (files.length > 0) upload(files)
  })
  el('file-picker').addEventListener('change', (event) => {
    const files = [...event.target.files]
    event.target.value = ''
    if (files.length > 0) upload(files)
  })

  /**
   * A file name every desktop can store: characters Windows forbids become "_", and trailing dots and spaces go.
   * The server still checks every name; this only spares a phone user a refusal over a colon in a photo's name.
   */
  function safeName (name) {
    // eslint-disable-next-line no-control-regex
    const cleaned = name.replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_').replace(/[. ]+$/, '')
    return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned
  }

  function upload (files) {
    const rows = files.map((file) => {
      const bar = make('progress', { max: Math.max(1, file.size), value: 0 })
      const note = make('span', { className: 'muted', textContent: 'waiting' })
      const row = make('li', {}, [
        make('div', { className: 'file-head' }, [
          make('span', { className: 'file-name', textContent: file.name }),
          make('span', { className: 'muted', textContent: formatBytes(file.size) })
        ]),
        bar,
        note
      ])
      row.dataset.uploadName = file.name
      row.dataset.state = 'waiting'
      el('upload-list').append(row)
      return { file, bar, note, row }
    })
    const setRow = (row, state, text) => {
      row.row.dataset.state = state
      row.note.textContent = text
      row.note.className = state === 'verified' ? 'ok' : state === 'failed' ? 'bad' : 'muted'
    }
    // The bytes never touch this thread: the worker reads, hashes and sends them, and says what happened.
    const worker = new Worker('/assets/upload-worker.js')
    worker.addEventListener('message', (event) => {
      const message = event.data
      switch (message.type) {
        case 'status':
          setStatus(message.text)
          break
        case 'row':
          setRow(rows[message.id], message.state, message.text)
          break
        case 'progress':
          rows[message.id].bar.value = message.bytes
          break
        case 'finished':
          if (message.ok) setStatus(message.message, 'ok')
          else {
            for (const row of rows) if (row.row.dataset.state !== 'verified') setRow(row, 'failed', message.message)
            setStatus(message.message, 'bad')
          }
          worker.terminate()
          break
      }
    })
    worker.addEventListener('error', (event) => {
      event.preventDefault()
      for (const row of rows) if (row.row.dataset.state !== 'verified') setRow(row, 'failed', 'The upload stopped')
      setStatus('The upload stopped', 'bad')
      worker.terminate()
    })
    worker.postMessage({
      type: 'upload',
      url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${base}upload`,
      files,
      names: files.map((f) => safeName(f.name)),
      alias: alias.value.trim()
    })
  }

  load().catch((err) => setStatus(err.message, 'bad'))
})()
