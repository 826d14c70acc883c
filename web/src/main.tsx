import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { chooseLocale, I18nProvider, loadCatalogue, rememberAsked } from './i18n/index.js';
import './styles.css';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const choice = chooseLocale({ ...rememberAsked(new URLSearchParams(window.location.search), storage()), languages: navigator.languages });
document.documentElement.lang = choice.lang;
void loadCatalogue(choice).then((messages) => {
  createRoot(root).render(
    <StrictMode>
      <I18nProvider choice={choice} messages={messages}>
        <App />
      </I18nProvider>
    </StrictMode>,
  );
});
