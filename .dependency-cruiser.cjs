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
/**
 * The table's item types and stream-filter lists: an import-free module of constants that the
 * DynamoDB adapters, the stream-record edges and the stack's stream filter (infra/) all read, so
 * the three can never disagree. The one runtime module that sits outside the layers.
 */
const ITEM_TYPES = '^lib/adapters/dynamodb/item-types[.]ts$';

const below = (layer, ...allowed) => ({
  name: `${layer.replace(/[^a-z]/g, '')}-imports-down-only`,
  comment: `${layer} may import only ${allowed.join(', ') || 'itself'} (README "Code layout")`,
  severity: 'error',
  from: { path: `^${layer}` },
  to: {
    path: '^(lib|functions|local|infra|scripts|bench|test)/',
    pathNot: [`^${layer}`, ...allowed.map((a) => `^${a}`), ITEM_TYPES],
  },
});

module.exports = {
  forbidden: [
    {
      name: 'item-types-import-free',
      comment: 'lib/adapters/dynamodb/item-types.ts is imported by infra/ too, so it imports nothing',
      severity: 'error',
      from: { path: ITEM_TYPES },
      to: {},
    },
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
      to: { path: '^(lib|functions|local)/', pathNot: ITEM_TYPES },
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
