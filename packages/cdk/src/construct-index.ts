import * as path from 'path';
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Construct paths by synthesized template (absolute path) and logical ID, nested stacks included. */
export class ConstructIndex {
  private readonly paths = new Map<string, string>();

  constructor(root: IConstruct) {
    const stackFiles = new Map<Stack, string>();
    for (const node of root.node.findAll()) {
      if (!CfnResource.isCfnResource(node)) continue;
      const stack = Stack.of(node);
      let file = stackFiles.get(stack);
      if (file === undefined) {
        file = path.resolve(Stage.of(stack)?.outdir ?? '.', stack.templateFile);
        stackFiles.set(stack, file);
      }
      this.paths.set(key(file, stack.resolve(node.logicalId) as string), node.node.path);
    }
  }

  constructPath(templateFile: string, logicalId: string): string | undefined {
    return this.paths.get(key(path.resolve(templateFile), logicalId));
  }
}

function key(file: string, logicalId: string): string {
  return `${file}#${logicalId}`;
}
