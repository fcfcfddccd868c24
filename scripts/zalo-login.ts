// npm run zalo:login — logs the school's personal Zalo account in by QR code (shown in the terminal
// and saved as DATA_DIR/zalo-login-qr.png) and saves {cookie, imei, userAgent} in the store, never
// in the repo. Then set ZALO_PERSONAL_ENABLED=true and start Loa.
import fs from 'node:fs';
import path from 'node:path';
import { saveCredentials, type ZcaModule } from '../src/channels/zalo-personal/zca-connect.ts';
import { withStore } from './cli-util.ts';
import { renderQrPng } from './qr-terminal.ts';

const GENERATED = 0, EXPIRED = 1, SCANNED = 2, DECLINED = 3, GOT_LOGIN_INFO = 4;

await withStore(async (store, config) => {
  const qrPath = path.resolve(config.DATA_DIR, 'zalo-login-qr.png');
  fs.mkdirSync(path.dirname(qrPath), { recursive: true });
  const { Zalo } = (await import('zca-js')) as unknown as ZcaModule;
  const zalo = new Zalo({ selfListen: false, checkUpdate: false, logging: false });
  console.log('Mở Zalo trên điện thoại của tài khoản nhà trường → Quét mã QR. (Open Zalo on the school account\'s phone and scan.)');
  let saved = false;
  await zalo.loginQR({ qrPath }, async (event) => {
    switch (event.type) {
      case GENERATED: {
        const png = Buffer.from(event.data.image, 'base64');
        fs.writeFileSync(qrPath, png);
        console.log(renderQrPng(png));
        console.log(`QR code saved as ${qrPath}`);
        break;
      }
      case EXPIRED:
        console.log('The QR code expired; making a new one…');
        event.actions?.retry();
        break;
      case SCANNED:
        console.log(`Scanned by ${event.data?.display_name}. Confirm the login on the phone.`);
        break;
      case DECLINED:
        console.error('The login was declined on the phone.');
        event.actions?.abort();
        break;
      case GOT_LOGIN_INFO:
        await saveCredentials(store, { cookie: event.data.cookie, imei: event.data.imei, userAgent: event.data.userAgent }, new Date().toISOString());
        saved = true;
        break;
    }
  });
  fs.rmSync(qrPath, { force: true });
  if (!saved) {
    console.error('No login was saved.');
    process.exit(1);
  }
  console.log('Logged in. The session is saved in the store (not in the repo). Set ZALO_PERSONAL_ENABLED=true and start Loa.');
});
