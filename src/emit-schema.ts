import 'reflect-metadata';
import path from 'node:path';
import { emitSchemaDefinitionFile } from 'type-graphql';
import { buildFlywheelSchema } from './app';

/**
 * `npm run schema`: writes schema.graphql, committed so API contract changes show in diffs. It prints
 * the schema buildFlywheelSchema returns (sorted, type-graphql's header), so anything that function does
 * to the built schema is in the file too.
 */
buildFlywheelSchema()
  .then((schema) => emitSchemaDefinitionFile(path.resolve(__dirname, '../../schema.graphql'), schema, { sortedSchema: true }))
  .then(
    () => console.log('schema.graphql written'),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
