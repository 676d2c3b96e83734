// Dashboard entry. Placeholder until the dashboard lands (issue 7).
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (root) createRoot(root).render(<p>Dashboard</p>);
