/**
 * The layer rule (README "Code layout", docs/architecture.md), checked by `npm run check`:
 * imports point down only, and no file imports itself back through others (type-only imports
 * count too). A wrong import is a failing check, not a review comment.
 *
 *   functions/, local/          entry points (local/ also holds the one-machine stand-ins)
 *   lib/compose/                the composition root: builds everything from a config object
 *   lib/drivers/                Lambda-facing: http app and routes (middy), queue and stream consumers (Powertools)
 *   lib/usecases/  lib/adapters/   what the bot does / how it talks to AWS and providers (neither imports the other)
 *   lib/edges/ lib/federation/ lib/pages/   protocol edges: webhooks, HTTP parsing, ActivityPub, peer protocol, HTML
 *   lib/ports/                  the interfaces
 *   lib/domain/                 pure rules and types
 */
const below = (layer, ...allowed) => ({
  name: `${layer.replace(/[^a-z]/g, '')}-imports-down-only`,
  comment: `${layer} may import only ${allowed.join(', ') || 'itself'} (README "Code layout")`,
  severity: 'error',
  from: { path: `^${layer}` },
  to: {
    path: '^(lib|functions|local|infra|scripts|bench|test)/',
    pathNot: [`^${layer}`, ...allowed.map((a) => `^${a}`)],
  },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import circle (type-only imports included)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    below('lib/domain/'),
    below('lib/ports/', 'lib/domain/'),
    below('lib/pages/', 'lib/ports/', 'lib/domain/'),
    below('lib/(edges|federation)/', 'lib/pages/', 'lib/ports/', 'lib/domain/'),
    below('lib/usecases/', 'lib/edges/', 'lib/federation/', 'lib/pages/', 'lib/ports/', 'lib/domain/'),
    below('lib/adapters/', 'lib/edges/', 'lib/federation/', 'lib/pages/', 'lib/ports/', 'lib/domain/'),
    below(
      'lib/drivers/',
      'lib/usecases/',
      'lib/adapters/',
      'lib/edges/',
      'lib/federation/',
      'lib/pages/',
      'lib/ports/',
      'lib/domain/',
    ),
    below('lib/compose/', 'lib/'),
    below('(functions|local)/', 'lib/', 'functions/', 'local/'),
    {
      name: 'use-cases-without-transport',
      comment:
        'use cases (and everything below the drivers) import no middy, no Powertools, no aws-lambda types',
      severity: 'error',
      from: { path: '^lib/(usecases|ports|domain)/' },
      to: { path: 'node_modules/(@middy|@aws-lambda-powertools|@types/aws-lambda)/' },
    },
    {
      name: 'runtime-without-cdk',
      comment: 'runtime code never imports aws-cdk-lib (and infra/ never imports runtime code)',
      severity: 'error',
      from: { path: '^(lib|functions|local)/' },
      to: { path: 'node_modules/(aws-cdk-lib|constructs|cdk-nag)/' },
    },
    {
      name: 'infra-without-runtime',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(lib|functions|local)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
