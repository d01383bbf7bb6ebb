// Enhances GOV.UK Frontend components (error summary focus, password reveal, menu toggle,
// notification banner focus). Every page works without it.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
