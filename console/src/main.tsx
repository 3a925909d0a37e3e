import { render } from 'preact';
import { App } from './app.tsx';
import { loadConfig } from './config.ts';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  const config = await loadConfig();
  render(<App config={config} />, root);
}
