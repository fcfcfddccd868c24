import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { renderQrPng } from '../../scripts/qr-terminal.ts';

describe('QR code in the terminal', () => {
  it('draws dark modules as spaces and light ones as blocks, two rows per line', () => {
    // 4x4 modules of 10 px: a dark top-left module, the rest light.
    const png = new PNG({ width: 40, height: 40 });
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) {
      const i = (40 * y + x) * 4;
      const dark = x < 10 && y < 10;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = dark ? 0 : 255;
      png.data[i + 3] = 255;
    }
    const text = renderQrPng(PNG.sync.write(png), 4);
    expect(text.split('\n')).toEqual(['▄███', '████']);
  });
});
