// Ferry's UI in one page, as the areas a user works with: every page object over the same page. The same objects
// drive `ferry ui` in Chromium and the Electron window; only the PathChooser differs.

import type { Page } from '@playwright/test'
import { HistoryList } from './history-list.ts'
import { IncomingOffer } from './incoming-offer.ts'
import type { PathChooser } from './path-chooser.ts'
import { PeerList } from './peer-list.ts'
import { Sections } from './sections.ts'
import { SettingsForm } from './settings-form.ts'
import { ShareDialog } from './share-dialog.ts'
import { TransferList } from './transfer-list.ts'

export class FerryApp {
  readonly sections: Sections
  readonly peers: PeerList
  readonly transfers: TransferList
  readonly offers: IncomingOffer
  readonly shares: ShareDialog
  readonly settings: SettingsForm
  readonly history: HistoryList

  constructor (page: Page, chooser: PathChooser) {
    this.sections = new Sections(page)
    this.peers = new PeerList(page, chooser)
    this.transfers = new TransferList(page)
    this.offers = new IncomingOffer(page)
    this.shares = new ShareDialog(page, chooser)
    this.settings = new SettingsForm(page)
    this.history = new HistoryList(page)
  }
}
