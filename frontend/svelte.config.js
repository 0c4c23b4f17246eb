// Svelte 5 strips type annotations in <script lang="ts"> natively, so no preprocessor is needed.
export default {};
