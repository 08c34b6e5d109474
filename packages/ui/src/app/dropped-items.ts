// What was dropped on the page, as files with the relative paths they had: a dropped folder is walked through the
// browser's entry API (webkitGetAsEntry), so "Trip/beach.jpg" keeps its folder. Bounded: at most MAX_DROPPED_FILES
// files are collected; more is refused rather than read.

/** Files one drop may hold in a browser. */
export const MAX_DROPPED_FILES = 10_000

export interface DroppedItem {
  file: File
  /** Relative POSIX path: the file's name, or the folders it was dropped in, e.g. "Trip/beach.jpg". */
  path: string
}

export class TooManyDroppedError extends Error {
  constructor () {
    super(`A drop may hold at most ${MAX_DROPPED_FILES} files`)
    this.name = 'TooManyDroppedError'
  }
}

interface Entry {
  isFile: boolean
  isDirectory: boolean
  name: string
  file?: (resolve: (file: File) => void, reject: (err: unknown) => void) => void
  createReader?: () => { readEntries: (resolve: (entries: Entry[]) => void, reject: (err: unknown) => void) => void }
}

async function walk (entry: Entry, prefix: string, out: DroppedItem[]): Promise<void> {
  const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`
  if (entry.isFile && entry.file !== undefined) {
    if (out.length >= MAX_DROPPED_FILES) throw new TooManyDroppedError()
    const read = entry.file.bind(entry)
    out.push({ file: await new Promise<File>((resolve, reject) => { read(resolve, reject) }), path })
    return
  }
  if (!entry.isDirectory || entry.createReader === undefined) return
  const reader = entry.createReader()
  // readEntries answers in pieces (about 100 at a time in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => { reader.readEntries(resolve, reject) })
    if (batch.length === 0) return
    for (const child of batch) await walk(child, path, out)
  }
}

/** Everything a drop holds, folders walked; the plain file list where the browser gives no entries. */
export async function readDropped (data: Pick<DataTransfer, 'items' | 'files'>): Promise<DroppedItem[]> {
  const entries = [...(data.items ?? [])]
    .map((item) => (item as DataTransferItem & { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.() ?? null)
  if (entries.length > 0 && entries.every((entry) => entry !== null)) {
    const out: DroppedItem[] = []
    for (const entry of entries as Entry[]) await walk(entry, '', out)
    return out
  }
  const files = [...data.files]
  if (files.length > MAX_DROPPED_FILES) throw new TooManyDroppedError()
  return files.map((file) => ({ file, path: file.name }))
}
