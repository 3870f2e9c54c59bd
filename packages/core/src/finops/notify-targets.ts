import { closestMatch } from '../closest-match';
import { InputError } from '../errors';
import { SourceDocument } from '../yaml-source';
import { NotificationTargets } from './model';

type Path = (string | number)[];

/** budgets.yaml `notifications:` as written. */
export interface NotificationsSource {
  topics?: Record<string, { description: string }>;
  emails?: Record<string, string>;
}

/** The notification targets of budgets.yaml, with their lines; a name used for both a topic and an e-mail is an error. */
export function notificationTargets(doc: SourceDocument, src: NotificationsSource | undefined, errors: InputError[]): NotificationTargets {
  const topics = Object.entries(src?.topics ?? {}).map(([name, t]) => ({
    name,
    description: t.description,
    line: doc.locate(['notifications', 'topics', name]).line,
  }));
  const emails = Object.entries(src?.emails ?? {}).map(([name, address]) => ({ name, address, line: doc.locate(['notifications', 'emails', name]).line }));
  emails.forEach((e, i) => {
    if (topics.some((t) => t.name === e.name)) {
      errors.push(
        new InputError(
          doc.locate(['notifications', 'emails', e.name]),
          `notification target ${e.name} is both a topic and an e-mail`,
          'each name once, so a budget or subscription says which it means',
        ),
      );
    }
    // AWS refuses a notification with the same subscriber twice; one name per address keeps that impossible.
    const first = emails.findIndex((o) => o.address.toLowerCase() === e.address.toLowerCase());
    if (first < i)
      errors.push(
        new InputError(doc.locate(['notifications', 'emails', e.name]), `${e.address} is already named ${emails[first].name}`, 'one name per e-mail address'),
      );
  });
  return { topics, emails };
}

/** How many of each kind a notify list names. */
export interface NotifyCount {
  readonly topics: number;
  readonly emails: number;
}

/**
 * Checks a notify list against the targets: every name must be a topic or an e-mail (closest match
 * suggested). Returns how many topics and e-mails it names, for the caller's AWS limits.
 */
export function checkNotify(doc: SourceDocument, at: Path, names: readonly string[], targets: NotificationTargets, errors: InputError[]): NotifyCount {
  const topicNames = targets.topics.map((t) => t.name);
  const emailNames = targets.emails.map((e) => e.name);
  const known = [...topicNames, ...emailNames];
  names.forEach((name, i) => {
    if (known.includes(name)) return;
    const guess = closestMatch(name, known);
    errors.push(
      new InputError(
        doc.locate([...at, i]),
        `unknown notification target ${name}${guess ? `; did you mean ${guess}?` : ''}`,
        known.length
          ? `a topic or e-mail of budgets.yaml notifications: ${known.join(', ')}`
          : 'a topic or e-mail declared under notifications: in policies/finops/budgets.yaml',
      ),
    );
  });
  return { topics: names.filter((n) => topicNames.includes(n)).length, emails: names.filter((n) => emailNames.includes(n)).length };
}
