/**
 * The runtime code validates with `zod/mini` (its functional API tree-shakes: about 65 KB less per
 * bundle than classic `zod`), which, unlike classic zod, loads no messages by itself. Every module
 * that declares schemas imports this one, so an issue without its own message still says what is
 * wrong ("Too big: expected string to have <=160 characters"), not "Invalid input".
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
