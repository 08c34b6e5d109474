// The browser entry point of index.html: find the host, mount the UI. Nothing else belongs here.

import './styles/app.css'
import { discoverHost } from './app/discover-host.ts'
import { mountFerryUi } from './app/mount.tsx'

const root = document.getElementById('root')
if (root !== null) void discoverHost(window).then((host) => mountFerryUi(root, host))
