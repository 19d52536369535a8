import { render } from 'preact';
import { App } from './app.js';
import './style.css';

const root = document.getElementById('app');
if (root) {
  render(<App />, root);
  // Rendered with its handlers attached: the console is usable from here (read by test/console).
  performance.mark('vsip-console-interactive');
}
