// How a host answers "choose files" or "choose a folder". Electron shows a native dialog, which a test answers by
// stubbing it in the main process; a browser on `ferry ui` has none, and the UI shows its own browser of the host's
// folders instead, which the page object clicks through from the host's home folder (FileBrowser).

export interface PathChooser {
  /**
   * Makes the host's next native dialog of this kind answer with `paths`. Resolves false when the host has no
   * native dialog, so the page object picks the paths in the UI's own file browser instead.
   */
  prepare: (kind: 'files' | 'folder', paths: readonly string[]) => Promise<boolean>
  /** The host's home folder, where the UI's own file browser starts (hosts without a native dialog). */
  home?: string
}

/** A browser host whose home folder is `home`: no native dialog, paths are picked in the UI's file browser. */
export function browsedPaths (home: string): PathChooser {
  return { prepare: async () => false, home }
}
