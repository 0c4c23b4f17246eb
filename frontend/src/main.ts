import { mount } from 'svelte';
import App from './App.svelte';
import './global.css';
import { pageOf } from './lib/pages';
import Wall from './views/Wall.svelte';

// One page, two faces: the playground, or the instructor's wall of a class (?wall=CLASS).
const Page = pageOf(location.search) === 'wall' ? Wall : App;
const app = mount(Page, { target: document.getElementById('app')! });

export default app;
