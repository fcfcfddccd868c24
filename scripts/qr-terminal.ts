// Draws a QR code PNG in the terminal with half-block characters, so the school's Zalo account can
// be logged in from a server console without opening the image file.
import { PNG } from 'pngjs';

export function renderQrPng(png: Buffer, cellsAcross = 45): string {
  const img = PNG.sync.read(png);
  const step = Math.max(1, Math.floor(img.width / cellsAcross));
  const dark = (x: number, y: number) => {
    if (x >= img.width || y >= img.height) return false;
    const i = (img.width * y + x) * 4;
    const lum = 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
    return img.data[i + 3] > 128 && lum < 128;
  };
  const lines: string[] = [];
  for (let y = 0; y < img.height; y += step * 2) {
    let line = '';
    for (let x = 0; x < img.width; x += step) {
      const top = dark(x + (step >> 1), y + (step >> 1));
      const bottom = dark(x + (step >> 1), y + step + (step >> 1));
      // Light on dark terminals: draw the light modules.
      line += !top && !bottom ? '█' : !top ? '▀' : !bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n');
}
