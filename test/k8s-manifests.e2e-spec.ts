import 'reflect-metadata';

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { getMetadataStorage } from 'class-validator';

import { OPERATIONAL_ROUTES } from '../src/bootstrap/operational-routes';
import { EnvironmentSchema, validateEnvironment } from '../src/config';
import { HealthController } from '../src/platform/health/health.controller';
import {
  allContainers,
  K8S_DIR,
  type K8sObject,
  parseYamlDocuments,
  readYamlDocuments,
  renderKustomization,
} from './support/k8s/kustomize';
import {
  type Container,
  containersOf,
  dataOf,
  effectiveEnvironment,
  find,
  ofKind,
  podLabelsOf,
  quantity,
  selects,
} from './support/k8s/workloads';

const ROOT = resolve(__dirname, '..');
const BASE = join(K8S_DIR, 'base');
const PRODUCTION = join(K8S_DIR, 'overlays/production');
const SECRET_TEMPLATE = join(BASE, 'secret.template.yaml');

/** The API versions the cluster serves for each kind these manifests use (none deprecated). */
const API_VERSIONS: Record<string, string> = {
  ServiceAccount: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  Job: 'batch/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
};
/** Variables whose values are credentials or keys: they belong in the Secret, never the ConfigMap. */
const SECRET_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'FIELD_ENCRYPTION_KEYS', 'STRIPE_SECRET_KEY'];
/** Slack between the shutdown drain plus the longest request and the kubelet's SIGKILL. */
const SHUTDOWN_SLACK_MS = 5_000;

/** Every variable the app validates, from the schema's own metadata (not a list kept by hand). */
const SCHEMA_VARIABLES = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(EnvironmentSchema, '', true, false)
      .map((metadata) => metadata.propertyName),
  ),
];
const DEFAULTS = new EnvironmentSchema() as unknown as Record<string, unknown>;

/** The route path of a HealthController handler, as Nest registers it (e.g. /health/ready). */
function healthRoute(handler: keyof HealthController): string {
  const base = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  const own = Reflect.getMetadata(PATH_METADATA, HealthController.prototype[handler]) as string;
  expect(Reflect.getMetadata(METHOD_METADATA, HealthController.prototype[handler])).toBe(0); // RequestMethod.GET
  return `/${base}/${own}`.replace(/\/+/g, '/');
}

/** Variables listed in .env.example, commented out or not. */
function envExampleVariables(): string[] {
  const lines = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');
  return [...new Set(lines.flatMap((line) => /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(line)?.[1] ?? []))];
}

/** The Secret as a real deployment would fill it: the template's keys with valid stand-in values. */
function filledSecret(template: K8sObject): K8sObject {
  const values: Record<string, string> = {
    DATABASE_URL: 'postgres://commerce:stand-in@postgres:5432/commerce',
    REDIS_URL: 'redis://:stand-in@redis:6379',
    JWT_SECRET: randomBytes(48).toString('base64'),
    FIELD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    FIELD_ENCRYPTION_ACTIVE_KEY: 'k1',
    STRIPE_SECRET_KEY: `sk_live_${randomBytes(16).toString('hex')}`,
  };
  const keys = Object.keys(dataOf(template));
  return { ...template, stringData: Object.fromEntries(keys.map((key) => [key, values[key] ?? ''])) };
}

function workloadsOf(objects: K8sObject[]): K8sObject[] {
  return [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')];
}

describe.each([
  ['base', BASE],
  ['production overlay', PRODUCTION],
])('Kubernetes manifests: %s', (_label, directory) => {
  const objects = renderKustomization(directory);
  const [secretTemplate] = readYamlDocuments(SECRET_TEMPLATE);
  const sources = { configMaps: ofKind(objects, 'ConfigMap'), secrets: [filledSecret(secretTemplate)] };
  const config = dataOf(find(objects, 'ConfigMap', 'commerce-api-config'));
  const api = find(objects, 'Deployment', 'commerce-api');
  const worker = find(objects, 'Deployment', 'commerce-worker');
  const job = find(objects, 'Job', 'commerce-api-migrate');

  describe('schema', () => {
    it('uses a served apiVersion for every kind, and unique names', () => {
      for (const object of objects)
        expect(`${object.kind} ${object.apiVersion}`).toBe(`${object.kind} ${API_VERSIONS[object.kind]}`);
      const ids = objects.map((object) => `${object.kind}/${object.metadata.name}`);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('names every object with a DNS-1123 label and labels it with the app name', () => {
      for (const object of objects) {
        expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
        expect(object.metadata.labels?.['app.kubernetes.io/name']).toBe('commerce-api');
      }
    });

    it('gives every workload a selector its own pods match, and containers with a name and an image', () => {
      for (const workload of workloadsOf(objects)) {
        if (workload.kind === 'Deployment') {
          const selector = (workload.spec as { selector: { matchLabels: Record<string, string> } }).selector;
          expect(selects(selector.matchLabels, podLabelsOf(workload))).toBe(true);
        }
        expect(containersOf(workload).length).toBeGreaterThan(0);
        for (const container of containersOf(workload)) {
          expect(container.name).toMatch(/^[a-z0-9-]+$/);
          expect(container.image).toBeTruthy();
        }
      }
    });

    it('runs the migration Job once per release, bounded in time and retries', () => {
      const spec = job.spec as Record<string, unknown> & { template: { spec: { restartPolicy: string } } };
      expect(spec.template.spec.restartPolicy).toBe('Never');
      expect(spec.backoffLimit).toBeGreaterThanOrEqual(1);
      expect(spec.activeDeadlineSeconds).toBeGreaterThan(0);
    });
  });

  describe('probes and ports', () => {
    const live = healthRoute('live');
    const ready = healthRoute('ready');

    it('probes routes the app serves outside the API prefix, on every role', () => {
      expect(OPERATIONAL_ROUTES.map((route) => `/${route}`)).toEqual(expect.arrayContaining([live, ready]));
    });

    it.each(['commerce-api', 'commerce-worker'])(
      '%s: liveness on live, readiness on ready, a startup probe',
      (name) => {
        const [container] = containersOf(find(objects, 'Deployment', name));
        expect(container.livenessProbe?.httpGet?.path).toBe(live);
        expect(container.readinessProbe?.httpGet?.path).toBe(ready);
        expect([live, ready]).toContain(container.startupProbe?.httpGet?.path);
        for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
          expect(portNumber(container, probe?.httpGet?.port)).toBe(Number(config.PORT));
        }
      },
    );

    it('listens on the PORT of the ConfigMap (the app default unless set)', () => {
      expect(Number(config.PORT || DEFAULTS.PORT)).toBe(Number(config.PORT));
      for (const deployment of ofKind(objects, 'Deployment')) {
        for (const container of containersOf(deployment)) {
          expect(container.ports?.map((port) => port.containerPort)).toEqual([Number(config.PORT)]);
        }
      }
    });

    it('routes the Service to API pods only, on a port the API container exposes', () => {
      const service = find(objects, 'Service', 'commerce-api').spec as {
        selector: Record<string, string>;
        ports: Array<{ port: number; targetPort: string | number }>;
      };
      expect(selects(service.selector, podLabelsOf(api))).toBe(true);
      expect(selects(service.selector, podLabelsOf(worker))).toBe(false);
      const [container] = containersOf(api);
      for (const port of service.ports) expect(portNumber(container, port.targetPort)).toBe(Number(config.PORT));
    });
  });

  describe('configuration', () => {
    const template = dataOf(secretTemplate);
    const provided = new Set([...Object.keys(config), ...Object.keys(template)]);

    it('places every variable of the schema and of .env.example in the ConfigMap or the Secret', () => {
      expect(SCHEMA_VARIABLES.length).toBeGreaterThan(40);
      expect(SCHEMA_VARIABLES.filter((name) => !provided.has(name))).toEqual([]);
      expect(envExampleVariables().filter((name) => !provided.has(name))).toEqual([]);
    });

    it('provides every variable that has no default in the app', () => {
      const withoutDefault = SCHEMA_VARIABLES.filter((name) => DEFAULTS[name] === undefined);
      expect(withoutDefault).toEqual(
        expect.arrayContaining(['DATABASE_URL', 'JWT_SECRET', 'FIELD_ENCRYPTION_KEYS', 'STRIPE_SECRET_KEY']),
      );
      expect(withoutDefault.filter((name) => !provided.has(name))).toEqual([]);
    });

    it('holds no variable the app does not read, and no variable twice', () => {
      expect([...provided].filter((name) => !SCHEMA_VARIABLES.includes(name))).toEqual([]);
      expect(Object.keys(config).filter((name) => name in template)).toEqual([]);
    });

    it('keeps credentials in the Secret only, and the template free of values', () => {
      expect(SECRET_VARIABLES.filter((name) => name in config)).toEqual([]);
      expect(SECRET_VARIABLES.filter((name) => !(name in template))).toEqual([]);
      expect(Object.entries(template).filter(([, value]) => value !== '')).toEqual([]);
      expect(ofKind(objects, 'Secret')).toEqual([]);
    });

    it.each([
      ['commerce-api', 'api'],
      ['commerce-worker', 'worker'],
    ])('starts %s as a valid production environment with APP_ROLE=%s', (name, role) => {
      const [container] = containersOf(find(objects, 'Deployment', name));
      const env = validateEnvironment(effectiveEnvironment(container, sources));
      expect(env.APP_ROLE).toBe(role);
      expect(env.NODE_ENV).toBe('production');
      expect(env.DATABASE_MIGRATIONS_RUN).toBe(false);
      expect(env.REDIS_URL).toBeDefined();
      expect(env.PAYMENT_PROVIDER).toBe('stripe');
      expect(env.STRIPE_SECRET_KEY).toBeDefined();
    });

    it('gives the migration Job the same configuration, valid in production', () => {
      const [container] = containersOf(job);
      expect(container.envFrom).toEqual(containersOf(api)[0].envFrom);
      expect(validateEnvironment(effectiveEnvironment(container, sources)).DATABASE_URL).toBeDefined();
    });
  });

  describe('scaling and disruption', () => {
    it.each(['commerce-api', 'commerce-worker'])('%s: an HPA of at least 2 replicas owns the count', (name) => {
      const deployment = find(objects, 'Deployment', name);
      expect((deployment.spec as { replicas?: number }).replicas).toBeUndefined();
      const hpa = ofKind(objects, 'HorizontalPodAutoscaler').filter(
        (candidate) => (candidate.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === name,
      );
      expect(hpa).toHaveLength(1);
      const spec = hpa[0].spec as {
        scaleTargetRef: { apiVersion: string; kind: string };
        minReplicas: number;
        maxReplicas: number;
        metrics: unknown[];
      };
      expect(spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
      expect(spec.metrics.length).toBeGreaterThan(0);
    });

    it.each(['commerce-api', 'commerce-worker'])('%s: one PDB selects its pods and no others', (name) => {
      const deployment = find(objects, 'Deployment', name);
      const matching = ofKind(objects, 'PodDisruptionBudget').filter((pdb) =>
        selects(
          (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          podLabelsOf(deployment),
        ),
      );
      expect(matching).toHaveLength(1);
      const spec = matching[0].spec as { selector: { matchLabels: Record<string, string> }; maxUnavailable?: number };
      expect(spec.maxUnavailable).toBe(1);
      const others = ofKind(objects, 'Deployment').filter((other) => other !== deployment);
      for (const other of others) expect(selects(spec.selector.matchLabels, podLabelsOf(other))).toBe(false);
    });

    it('outlasts the shutdown drain and the longest request before SIGKILL', () => {
      for (const deployment of ofKind(objects, 'Deployment')) {
        const grace = (deployment.spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template
          .spec.terminationGracePeriodSeconds;
        const env = validateEnvironment(effectiveEnvironment(containersOf(deployment)[0], sources));
        expect(grace * 1000).toBeGreaterThan(env.SHUTDOWN_DRAIN_MS);
        expect(grace * 1000).toBeGreaterThanOrEqual(env.SHUTDOWN_DRAIN_MS + env.REQUEST_TIMEOUT_MS + SHUTDOWN_SLACK_MS);
      }
      expect(Number(config.SHUTDOWN_DRAIN_MS)).toBeGreaterThan(0);
    });
  });

  describe('resources and security', () => {
    it('sets CPU and memory requests within limits on every container', () => {
      for (const container of allContainers(objects) as Container[]) {
        for (const resource of ['cpu', 'memory']) {
          const request = container.resources?.requests?.[resource];
          const limit = container.resources?.limits?.[resource];
          expect([container.name, resource, typeof request, typeof limit]).toEqual([
            container.name,
            resource,
            'string',
            'string',
          ]);
          expect(quantity(request ?? '')).toBeLessThanOrEqual(quantity(limit ?? ''));
        }
      }
    });

    it('runs every pod as the image user, non-root, read-only, without privileges or a service token', () => {
      const imageUser = Number(/^USER (\d+)/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1]);
      expect(imageUser).toBeGreaterThan(0);
      for (const workload of workloadsOf(objects)) {
        const pod = (workload.spec as { template: { spec: Record<string, unknown> } }).template.spec;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: imageUser });
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const container of containersOf(workload)) {
          expect(container.securityContext).toMatchObject({
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          });
          const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
          const volumes = pod.volumes as Array<{ name: string; emptyDir?: object }>;
          expect(volumes.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
        }
      }
    });
  });

  describe('one image, three entry points', () => {
    it('runs the API, the workers and the migration Job from the same image', () => {
      const images = new Set(allContainers(objects).map((container) => container.image));
      expect(images.size).toBe(1);
    });

    it('starts the Deployments with the image command and the Job with the migrate script of package.json', () => {
      const dockerCmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
      for (const deployment of ofKind(objects, 'Deployment')) {
        expect(containersOf(deployment)[0].command).toEqual(JSON.parse(dockerCmd ?? 'null'));
      }
      const command = containersOf(job)[0].command ?? [];
      const scripts = (
        JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
      ).scripts;
      expect(scripts.migrate).toBe(command.join(' '));
      const script = command[1];
      expect(existsSync(join(ROOT, script.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')))).toBe(true);
      if (existsSync(join(ROOT, 'dist/main.js'))) expect(existsSync(join(ROOT, script))).toBe(true);
    });
  });
});

describe('Kubernetes manifests: production overlay specifics', () => {
  const objects = renderKustomization(PRODUCTION);

  it('puts everything in the commerce namespace and pins the image to a release tag', () => {
    expect(objects.every((object) => object.metadata.namespace === 'commerce')).toBe(true);
    for (const container of allContainers(objects))
      expect(container.image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/-]+:[0-9][\w.-]*$/);
  });

  it('renders exactly as kubectl kustomize does, where kubectl is installed', () => {
    let rendered: string;
    try {
      rendered = execFileSync('kubectl', ['kustomize', PRODUCTION], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      process.stdout.write('k8s manifests: kubectl not installed, the comparison with kustomize is skipped\n');
      return;
    }
    const key = (object: K8sObject) => `${object.kind}/${object.metadata.name}`;
    const sorted = (list: K8sObject[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    const theirs = parseYamlDocuments(rendered, 'kubectl kustomize');
    expect(sorted(objects)).toEqual(sorted(theirs));
  });
});

/** A container port given by name or number, as a number (undefined when the name is unknown). */
function portNumber(container: Container, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}
