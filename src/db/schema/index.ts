export * from './pages.js';
export * from './components.js';
export * from './incidents.js';
export * from './events.js';
export * from './api-keys.js';
export * from './subscribers.js';
export * from './deliveries.js';
export * from './admin.js';
