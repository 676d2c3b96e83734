// Builds the browser parts: the widget into dist/widget/ and the dashboard into dist/dashboard/.
// Each part declares its own builds next to its code.
import dashboard from './dashboard/rollup.parts.mjs';
import widget from './widget/rollup.parts.mjs';

export default [...widget, ...dashboard];
