// The recipient page's behaviour, plain browser JavaScript with no framework: read the share's file list (asking for
// the PIN when the share has one), offer each file as a normal download link (the browser streams it to disk and can
// resume it), show and check BLAKE3 hashes with hash-wasm without uploading anything, and send files back through
// upload-worker.js, a Worker that speaks the upload protocol (docs/http-share.md, "Upload protocol") off this thread.
'use strict'

;(() => {
  const token = location.pathname.split('/')[2] || ''
  const base = `/s/${token}/`
  /** Bytes read from a local file per step while hashing it for a check. */
  const VERIFY_CHUNK = 4 * 1024 * 1024
  const el = (id) => document.getElementById(id)
  const hashes = new Map()
  let verifyTarget = null

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

  async function load () {
    const res = await fetch(`${base}files`, { credentials: 'same-origin', cache: 'no-store' })
    if (res.status === 401) {
      setStatus('')
      el('pin-form').hidden = false
      el('pin-input').focus()
      return
    }
    if (!res.ok) {
      const err = await readError(res)
      setStatus(err.message, 'bad')
      return
    }
    render(await res.json())
  }

  function render (manifest) {
    el('pin-form').hidden = true
    document.title = `${manifest.name} – Ferry`
    el('share-name').textContent = manifest.name
    const expires = new Date(manifest.expiresAt)
    el('share-meta').textContent = `${manifest.files.length} file(s), ${formatBytes(manifest.totalBytes)} · available until ${expires.toLocaleString()}`
    setStatus('')
    const list = el('file-list')
    list.replaceChildren(...manifest.files.map(fileItem))
    const all = el('download-all')
    all.href = `${base}all.zip`
    all.setAttribute('download', manifest.zipName)
    el('total').textContent = formatBytes(manifest.totalBytes)
    el('files').hidden = manifest.files.length === 0
    el('upload').hidden = !manifest.allowUpload
  }

  function fileItem (file) {
    const hashLine = make('p', { className: 'hash' })
    hashLine.dataset.role = 'hash'
    const link = make('a', { className: 'button primary', href: `${base}files/${file.id}`, textContent: 'Download' })
    link.setAttribute('download', file.path.split('/').pop())
    link.dataset.role = 'download'
    const showHash = make('button', { type: 'button', textContent: 'BLAKE3' })
    showHash.dataset.role = 'show-hash'
    showHash.addEventListener('click', async () => {
      hashLine.textContent = 'Computing…'
      try {
        hashLine.textContent = await hashOf(file)
      } catch (err) {
        hashLine.textContent = err.message
      }
    })
    const verify = make('button', { type: 'button', textContent: 'Check a downloaded copy' })
    verify.dataset.role = 'verify'
    verify.addEventListener('click', () => {
      verifyTarget = { file, line: hashLine }
      el('verify-picker').value = ''
      el('verify-picker').click()
    })
    const item = make('li', {}, [
      make('div', { className: 'file-head' }, [
        make('span', { className: 'file-name', textContent: file.path }),
        make('span', { className: 'muted', textContent: formatBytes(file.size) })
      ]),
      make('div', { className: 'file-actions' }, [link, showHash, verify]),
      hashLine
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

  el('verify-picker').addEventListener('change', async (event) => {
    const local = event.target.files[0]
    const target = verifyTarget
    if (!local || !target) return
    const { file, line } = target
    line.className = 'hash'
    delete line.dataset.verdict
    line.textContent = `Checking ${local.name}…`
    try {
      const [expected, actual] = await Promise.all([hashOf(file), hashLocal(local, (done) => {
        line.textContent = `Checking ${local.name}… ${Math.floor(done * 100 / Math.max(1, local.size))}%`
      })])
      const same = expected === actual
      line.className = `hash ${same ? 'ok' : 'bad'}`
      line.dataset.verdict = same ? 'match' : 'mismatch'
      line.textContent = same
        ? `✓ ${local.name} matches (BLAKE3 ${actual})`
        : `✗ ${local.name} does not match: BLAKE3 ${actual}, expected ${expected}`
    } catch (err) {
      line.className = 'hash bad'
      line.dataset.verdict = 'error'
      line.textContent = err.message
    }
  })

  el('pin-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const error = el('pin-error')
    error.textContent = ''
    const res = await fetch(`${base}pin`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: el('pin-input').value.trim() })
    })
    if (res.ok) {
      await load()
      return
    }
    error.textContent = (await readError(res)).message
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
    if (folders > 0) setStatus(`${folders} folder(s) left out: drop the files inside them instead`)
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
