#!/usr/bin/env node
// The tarmac command of the repository's own package. `npm pack` at the root bundles @tarmac/cli and what it
// runs on (see bundleDependencies in package.json): that tarball is what the pre-commit framework installs
// from `repo:`. In a checkout, npx tarmac runs the same CLI through the workspace link.
'use strict';
require('@tarmac/cli/bin/tarmac.js');
