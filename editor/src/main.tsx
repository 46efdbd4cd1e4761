import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './shell/app';
import { I18nProvider } from './i18n/i18n';
import { SessionGate } from './auth/session';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <SessionGate>
        <App />
      </SessionGate>
    </I18nProvider>
  </StrictMode>,
);
