import { Catalog } from '../catalog/model';
import { closestMatch } from '../closest-match';
import { InputError, InputErrors } from '../errors';
import { validateAgainstSchema } from '../schema-validation';
import { loadSchema } from '../schemas';
import { readSourceFile } from '../yaml-source';
import { MAX_MONITORS, MAX_SUBSCRIPTION_EMAILS, MAX_SUBSCRIPTION_TOPICS, subscriberKindFor, tagMonitorSpecification } from './anomaly-rules';
import { AnomalyDetection, AnomalyFrequency, AnomalyMonitor, AnomalySubscription, NotificationTargets } from './model';
import { checkNotify } from './notify-targets';

interface MonitorSource {
  name: string;
  dimension: 'SERVICE' | 'TAG';
  tag?: string;
  adopt?: string;
}
interface SubscriptionSource {
  name: string;
  monitors: string[];
  frequency: AnomalyFrequency;
  thresholdAbsolute?: number;
  thresholdPercent?: number;
  notify: string[];
}
interface AnomalySource {
  monitors: MonitorSource[];
  subscriptions: SubscriptionSource[];
}

/**
 * Loads policies/finops/anomaly-detection.yaml: schema, unique names, one AWS managed monitor per
 * dimension, TAG monitors on a mandatory tag, subscriptions naming known monitors and notification targets
 * of the kind their frequency allows (IMMEDIATE: one SNS topic; DAILY/WEEKLY: up to ten e-mails).
 * `targets` are budgets.yaml's notifications. Throws InputErrors naming every problem.
 */
export function loadAnomalyDetection(file: string, catalog: Catalog, targets: NotificationTargets): AnomalyDetection {
  const doc = readSourceFile(file);
  const schemaErrors = validateAgainstSchema(doc, loadSchema('anomaly-detection'));
  if (schemaErrors.length) throw new InputErrors(schemaErrors);
  const src = doc.value as AnomalySource;
  const errors: InputError[] = [];
  const tagKeys = catalog.tags.map((t) => t.key);

  if (src.monitors.length > MAX_MONITORS)
    errors.push(
      new InputError(doc.locate(['monitors']), `${src.monitors.length} monitors`, `at most ${MAX_MONITORS} per account (AWS Cost Anomaly Detection)`),
    );
  const monitorLines = new Map<string, number | undefined>();
  const dimensionLines = new Map<string, number | undefined>();
  const monitors: AnomalyMonitor[] = src.monitors.map((m, i) => {
    const at = ['monitors', i];
    const line = doc.locate(at).line;
    if (monitorLines.has(m.name))
      errors.push(
        new InputError(doc.locate([...at, 'name']), `monitor ${m.name} is already defined at line ${monitorLines.get(m.name)}`, 'unique monitor names'),
      );
    else monitorLines.set(m.name, line);
    if (dimensionLines.has(m.dimension)) {
      errors.push(
        new InputError(
          doc.locate([...at, 'dimension']),
          `a second ${m.dimension} monitor (the first is at line ${dimensionLines.get(m.dimension)})`,
          'one AWS managed monitor per dimension: AWS refuses a second one in the management account (and a console-created default monitor counts too)',
        ),
      );
    } else dimensionLines.set(m.dimension, line);
    if (m.dimension === 'TAG') {
      if (m.tag === undefined)
        errors.push(new InputError(doc.locate(at), `TAG monitor ${m.name} names no tag`, `tag: one of the mandatory tags ${tagKeys.join(', ')}`));
      else if (!tagKeys.includes(m.tag)) {
        const guess = closestMatch(m.tag, tagKeys);
        errors.push(
          new InputError(
            doc.locate([...at, 'tag']),
            `monitor ${m.name} watches tag ${m.tag}, which is not a mandatory tag${guess ? `; did you mean ${guess}?` : ''}`,
            `a key of tags.yaml: ${tagKeys.join(', ')}`,
          ),
        );
      }
      return {
        name: m.name,
        dimension: m.dimension,
        tag: m.tag,
        monitorSpecification: m.tag === undefined ? undefined : tagMonitorSpecification(m.tag),
        ...(m.adopt ? { adopt: m.adopt } : {}),
        line,
      };
    }
    if (m.tag !== undefined)
      errors.push(
        new InputError(doc.locate([...at, 'tag']), `tag is only for TAG monitors; ${m.name} is a ${m.dimension} monitor`, 'no tag, or dimension: TAG'),
      );
    return { name: m.name, dimension: m.dimension, ...(m.adopt ? { adopt: m.adopt } : {}), line };
  });

  const subscriptionLines = new Map<string, number | undefined>();
  const monitorNames = monitors.map((m) => m.name);
  const subscriptions: AnomalySubscription[] = src.subscriptions.map((s, i) => {
    const at = ['subscriptions', i];
    const line = doc.locate(at).line;
    if (subscriptionLines.has(s.name))
      errors.push(
        new InputError(
          doc.locate([...at, 'name']),
          `subscription ${s.name} is already defined at line ${subscriptionLines.get(s.name)}`,
          'unique subscription names',
        ),
      );
    else subscriptionLines.set(s.name, line);
    s.monitors.forEach((name, j) => {
      if (monitorNames.includes(name)) return;
      const guess = closestMatch(name, monitorNames);
      errors.push(
        new InputError(
          doc.locate([...at, 'monitors', j]),
          `unknown monitor ${name}${guess ? `; did you mean ${guess}?` : ''}`,
          `a monitor of this file: ${monitorNames.join(', ')}`,
        ),
      );
    });
    const count = checkNotify(doc, [...at, 'notify'], s.notify, targets, errors);
    const kind = subscriberKindFor(s.frequency);
    if (kind === 'topic' && count.emails > 0) {
      errors.push(
        new InputError(
          doc.locate([...at, 'notify']),
          `subscription ${s.name} is IMMEDIATE but notifies e-mail addresses`,
          'IMMEDIATE alerts go to one SNS topic only (AWS refuses e-mail subscribers); use DAILY or WEEKLY for e-mail',
        ),
      );
    } else if (kind === 'email' && count.topics > 0) {
      errors.push(
        new InputError(
          doc.locate([...at, 'notify']),
          `subscription ${s.name} is ${s.frequency} but notifies an SNS topic`,
          `${s.frequency} summaries go to e-mail only (AWS refuses SNS subscribers); use IMMEDIATE for a topic`,
        ),
      );
    }
    if (count.topics > MAX_SUBSCRIPTION_TOPICS || count.emails > MAX_SUBSCRIPTION_EMAILS) {
      errors.push(
        new InputError(
          doc.locate([...at, 'notify']),
          `subscription ${s.name} notifies ${count.topics} topics and ${count.emails} e-mails`,
          `at most ${MAX_SUBSCRIPTION_TOPICS} SNS topic or ${MAX_SUBSCRIPTION_EMAILS} e-mail addresses per subscription`,
        ),
      );
    }
    return {
      name: s.name,
      monitors: s.monitors,
      frequency: s.frequency,
      thresholdAbsolute: s.thresholdAbsolute,
      thresholdPercent: s.thresholdPercent,
      notify: s.notify,
      line,
    };
  });

  if (errors.length) throw new InputErrors(errors);
  return { monitors, subscriptions };
}
