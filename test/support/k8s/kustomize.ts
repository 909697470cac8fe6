import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { parseAllDocuments } from 'yaml';

/** A parsed Kubernetes object (only what the checks read is typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path: string }>;
}

/** The kustomization fields this renderer understands; any other one fails loudly rather than being ignored. */
const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);
/** Kinds that live outside namespaces (the namespace transformer leaves them alone). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume']);

/** Every YAML document of a file, parsed (a document with errors throws, naming the file). */
export function readYamlDocuments(file: string): K8sObject[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file);
}

/** Every YAML document of a text (e.g. the output of `kubectl kustomize`). */
export function parseYamlDocuments(text: string, origin: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${origin}: ${document.errors[0].message}`);
    const value = document.toJS() as K8sObject | null;
    return value === null ? [] : [value];
  });
}

/**
 * Renders a kustomization directory the way `kubectl kustomize` does for the features these
 * manifests use: resources (files and nested kustomizations), strategic-merge patches matched by
 * kind and name, the images transformer and the namespace. Written out so the manifests can be
 * checked on a machine without kubectl; where kubectl exists the test compares both renderings.
 */
export function renderKustomization(directory: string): K8sObject[] {
  const file = join(directory, 'kustomization.yaml');
  const [kustomization] = readYamlDocuments(file) as unknown as Kustomization[];
  const unsupported = Object.keys(kustomization).filter((field) => !SUPPORTED_FIELDS.has(field));
  if (unsupported.length > 0) throw new Error(`${file}: unsupported field(s) ${unsupported.join(', ')}`);

  const objects = (kustomization.resources ?? []).flatMap((entry) => {
    const path = resolve(directory, entry);
    if (!existsSync(path)) throw new Error(`${file}: resource ${entry} does not exist`);
    return statSync(path).isDirectory() ? renderKustomization(path) : readYamlDocuments(path);
  });
  for (const patch of kustomization.patches ?? []) applyPatch(objects, join(directory, patch.path), file);
  for (const image of kustomization.images ?? []) setImage(objects, image);
  if (kustomization.namespace) setNamespace(objects, kustomization.namespace);
  return objects;
}

function applyPatch(objects: K8sObject[], patchFile: string, file: string): void {
  for (const patch of readYamlDocuments(patchFile)) {
    const target = objects.find((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
    if (!target) throw new Error(`${file}: patch ${patchFile} targets ${patch.kind}/${patch.metadata.name}, not found`);
    Object.assign(target, strategicMerge(target, patch));
  }
}

/**
 * Strategic merge as Kubernetes defines it for these fields: maps merge key by key, lists of
 * named items (containers, env, volumes, volumeMounts, ports) merge item by item on `name`, and
 * any other list is replaced.
 */
function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch) && isNamedList(base) && isNamedList(patch)) {
    const merged = base.map((item) => {
      const update = patch.find((candidate) => candidate.name === item.name);
      return update ? strategicMerge(item, update) : item;
    });
    return [...merged, ...patch.filter((item) => !base.some((existing) => existing.name === item.name))];
  }
  if (isMap(base) && isMap(patch)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      merged[key] = value === null ? undefined : key in base ? strategicMerge(base[key], value) : value;
      if (merged[key] === undefined) delete merged[key];
    }
    return merged;
  }
  return patch;
}

function setImage(objects: K8sObject[], image: NonNullable<Kustomization['images']>[number]): void {
  for (const container of allContainers(objects)) {
    const [name, tag] = splitImage(container.image);
    if (name !== image.name) continue;
    const newTag = image.newTag ?? tag;
    container.image = `${image.newName ?? name}${newTag ? `:${newTag}` : ''}`;
  }
}

function setNamespace(objects: K8sObject[], namespace: string): void {
  for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = namespace;
}

/** Containers (and init containers) of every workload's pod template. */
export function allContainers(objects: K8sObject[]): Array<{ name: string; image: string; [key: string]: unknown }> {
  return objects.flatMap((object) => {
    const pod = podSpecOf(object);
    return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
  });
}

export interface PodSpec {
  containers: Array<{ name: string; image: string; [key: string]: unknown }>;
  initContainers?: Array<{ name: string; image: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** The pod template's spec of a Deployment or Job; undefined for other kinds. */
export function podSpecOf(object: K8sObject): PodSpec | undefined {
  if (object.kind !== 'Deployment' && object.kind !== 'Job') return undefined;
  return (object.spec as { template: { spec: PodSpec } }).template.spec;
}

/** `registry/name:tag` to [`registry/name`, `tag`] (a registry port's colon is not a tag). */
function splitImage(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNamedList(list: unknown[]): list is Array<Record<string, unknown> & { name: string }> {
  return list.length > 0 && list.every((item) => isMap(item) && typeof item.name === 'string');
}

/** The directory of the manifests, from the repository root. */
export const K8S_DIR = resolve(dirname(__filename), '../../../deploy/k8s');
