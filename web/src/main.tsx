import { render } from 'preact';
import './i18n.ts';
import './styles.css';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
