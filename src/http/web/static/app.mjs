// Progressive enhancement only: every page works without this file.
import { initAll } from '/javascripts/govuk-frontend.min.js';

initAll();
