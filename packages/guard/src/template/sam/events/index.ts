import { NotExpanded } from '../model';
import { SamResource, Unit } from '../unit';
import { Path, isIntrinsic, isObject } from '../values';
import { alexaEvent } from './alexa';
import { apiEvent } from '../api/event';
import { httpApiEvent } from '../http-api/event';
import { ruleEvent } from './eventbridge';
import { iotEvent } from './iot';
import { logsEvent } from './logs';
import { pollEvent } from './poll';
import { s3Event } from './s3';
import { scheduleV2Event } from './schedule-v2';
import { snsEvent } from './sns';
import { EventInput, EventSpec, EventTarget, RoleGrants } from './target';
import { Context } from '../context';
import { SAM_GENERATED_TYPES } from '../generated-types';

interface EventKind {
  /** CloudFormation types SAM may generate (or change) for an event of this type (SAM's documentation). */
  readonly mayCreate: readonly string[];
  /** The event adds permissions to the execution role SAM generates. */
  readonly changesRole?: boolean;
  /** Undefined: Tarmac does not expand this event type. */
  readonly expand?: (input: EventInput) => void;
}

const RULE = ['AWS::Events::Rule', 'AWS::Lambda::Permission', 'AWS::IAM::Role', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy'];
const MAPPING = ['AWS::Lambda::EventSourceMapping'];
// An Api or HttpApi event without an API adds one SAM creates (ServerlessRestApi, ServerlessHttpApi).
const REST = [...SAM_GENERATED_TYPES['AWS::Serverless::Api'], 'AWS::IAM::Role'];
const HTTP = SAM_GENERATED_TYPES['AWS::Serverless::HttpApi'];

const FUNCTION_EVENTS: Readonly<Record<string, EventKind>> = {
  S3: { mayCreate: ['AWS::Lambda::Permission', 'AWS::S3::Bucket'], expand: s3Event },
  SNS: {
    mayCreate: ['AWS::SNS::Subscription', 'AWS::Lambda::Permission', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::Lambda::EventSourceMapping'],
    changesRole: true,
    expand: snsEvent,
  },
  SQS: { mayCreate: MAPPING, changesRole: true, expand: pollEvent },
  Kinesis: { mayCreate: MAPPING, changesRole: true, expand: pollEvent },
  DynamoDB: { mayCreate: MAPPING, changesRole: true, expand: pollEvent },
  MSK: { mayCreate: MAPPING, changesRole: true },
  MQ: { mayCreate: MAPPING, changesRole: true },
  SelfManagedKafka: { mayCreate: MAPPING, changesRole: true },
  DocumentDB: { mayCreate: MAPPING, changesRole: true },
  Api: { mayCreate: REST, expand: apiEvent },
  HttpApi: { mayCreate: HTTP, expand: httpApiEvent },
  Schedule: { mayCreate: RULE, expand: ruleEvent },
  CloudWatchEvent: { mayCreate: RULE, expand: ruleEvent },
  EventBridgeRule: { mayCreate: RULE, expand: ruleEvent },
  ScheduleV2: { mayCreate: ['AWS::Scheduler::Schedule', 'AWS::IAM::Role', 'AWS::SQS::Queue'], expand: scheduleV2Event },
  CloudWatchLogs: { mayCreate: ['AWS::Logs::SubscriptionFilter', 'AWS::Lambda::Permission'], expand: logsEvent },
  IoTRule: { mayCreate: ['AWS::IoT::TopicRule', 'AWS::Lambda::Permission'], expand: iotEvent },
  AlexaSkill: { mayCreate: ['AWS::Lambda::Permission'], expand: alexaEvent },
  Cognito: { mayCreate: ['AWS::Lambda::Permission', 'AWS::Cognito::UserPool'] },
};

const STATE_MACHINE_EVENTS: Readonly<Record<string, EventKind>> = {
  Api: { mayCreate: REST, expand: apiEvent },
  Schedule: { mayCreate: RULE, expand: ruleEvent },
  CloudWatchEvent: { mayCreate: RULE, expand: ruleEvent },
  EventBridgeRule: { mayCreate: RULE, expand: ruleEvent },
  ScheduleV2: { mayCreate: ['AWS::Scheduler::Schedule', 'AWS::IAM::Role', 'AWS::SQS::Queue'], expand: scheduleV2Event },
};

/** Events must be a map of events (or absent): checked with the resource itself, as SAM refuses anything else. */
export function checkEvents(owner: SamResource, path: Path): void {
  const events = owner.properties.Events;
  if (events !== undefined && events !== null && (!isObject(events) || isIntrinsic(events))) throw new NotExpanded(path, 'Events is not a map of events');
}

/**
 * Expands each event of `Events` into its own unit: an event Tarmac cannot expand is reported alone, and
 * takes with it only what it changes (the execution role, for event sources that add permissions to it).
 */
export function expandEvents(ctx: Context, target: EventTarget, eventsPath: Path, role: Unit | undefined, grants: RoleGrants): Unit[] {
  checkEvents(target.owner, eventsPath);
  const events = target.owner.properties.Events;
  if (!isObject(events)) return [];
  const kinds = target.kind === 'function' ? FUNCTION_EVENTS : STATE_MACHINE_EVENTS;
  return Object.entries(events).map(([name, value]) => {
    const path = [...eventsPath, name];
    const type = isObject(value) && typeof value.Type === 'string' ? value.Type : undefined;
    const kind = type !== undefined && Object.hasOwn(kinds, type) ? kinds[type] : undefined;
    const unit = new Unit(target.owner, path, kind?.mayCreate ?? ['*'], `the execution role of ${target.owner.logicalId}`);
    // Unknown events may change anything; events that add permissions make the role as uncertain as they are.
    if (role && (!kind || kind.changesRole)) role.dependsOn(unit);
    unit.run(() => {
      if (!isObject(value) || type === undefined) throw new NotExpanded(path, `event ${name} is not a map with a Type`);
      if (!kind) throw new NotExpanded([...path, 'Type'], `event ${name} has type ${type}, which ${target.owner.type} does not have`);
      if (!kind.expand) throw new NotExpanded(path, `event ${name} (type ${type}) is not expanded by Tarmac`);
      const properties = value.Properties ?? {};
      if (!isObject(properties) || isIntrinsic(properties)) throw new NotExpanded([...path, 'Properties'], `the Properties of event ${name} are not a map`);
      const extra = Object.keys(value).find((k) => k !== 'Type' && k !== 'Properties');
      if (extra !== undefined) throw new NotExpanded([...path, extra], `event ${name}: ${extra} is not expanded by Tarmac`);
      const event: EventSpec = { name, type, properties, path, logicalId: `${target.owner.logicalId}${name}` };
      const own: RoleGrants = { managed: [], inline: [] };
      kind.expand({ ctx, target, event, unit, grants: own });
      grants.managed.push(...own.managed);
      grants.inline.push(...own.inline);
    });
    return unit;
  });
}
