/// <reference types="vite/client" />

/** hls.js without subtitles, alternate audio or DRM (not needed for an audio broadcast); same API. */
declare module 'hls.js/light' {
  export { default } from 'hls.js';
  export * from 'hls.js';
}
