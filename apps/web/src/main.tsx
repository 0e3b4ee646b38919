import { render } from 'preact';
import { App } from './app/App.tsx';
import './styles.css';

render(<App />, document.getElementById('app')!);

// Installable app: the service worker caches the app shell only (never API calls or media).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined));
}
