// Renders HTML cases in Chromium and prints what a reader sees: document.body.innerText.
// Input (stdin): JSON lines {"id", "contentType", "body" (base64)}. Output (stdout): JSON lines {"id", "innerText"}.
// Each case is served with its exact bytes and Content-Type from an intercepted request, so the
// browser's own charset sniffing (BOM, header, <meta> prescan) applies. Nothing leaves the machine:
// every other request is aborted. Used only by generate_html_counts.py, never by the tests.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ javaScriptEnabled: true });
let current = null;
await page.route('**/*', route => {
  const url = new URL(route.request().url());
  if (current && url.pathname === '/case') {
    return route.fulfill({ status: 200, headers: { 'content-type': current.contentType }, body: Buffer.from(current.body, 'base64') });
  }
  return route.abort();
});
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  current = JSON.parse(line);
  await page.goto('http://127.0.0.1:9/case', { waitUntil: 'load' });
  const innerText = await page.evaluate(() => document.body ? document.body.innerText : '');
  process.stdout.write(JSON.stringify({ id: current.id, innerText }) + '\n');
}
await browser.close();
