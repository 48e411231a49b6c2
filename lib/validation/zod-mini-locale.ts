// zod/mini installs no locale (classic zod installs English on its first schema), so its issues would
// all read "Invalid input". Imported for its effect by every module that builds zod/mini schemas, so
// configuration errors keep naming the rule broken ("Too small: expected string to have >=1 characters").
import { en } from 'zod/locales';
import * as z from 'zod/mini';

// The default classic zod would set; a locale chosen elsewhere wins.
if (!z.config().localeError) z.config(en());
