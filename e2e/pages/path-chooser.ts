// How a host answers "choose files" or "choose a folder". Electron shows a native dialog, which a test answers by
// stubbing it in the main process; a browser on `ferry ui` has none, and the UI asks for typed paths instead.

export interface PathChooser {
  /**
   * Makes the host's next native dialog of this kind answer with `paths`. Resolves false when the host has no
   * native dialog, so the page object types the paths into the UI's "Paths on this computer" dialog instead.
   */
  prepare: (kind: 'files' | 'folder', paths: readonly string[]) => Promise<boolean>
}

/** A browser host: no native dialog, paths are typed. */
export const typedPaths: PathChooser = { prepare: async () => false }
