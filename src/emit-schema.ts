import 'reflect-metadata';
import path from 'node:path';
import { buildFlywheelSchema } from './app';

/** `npm run schema`: writes schema.graphql, committed so API contract changes show in diffs. */
buildFlywheelSchema(path.resolve(__dirname, '../../schema.graphql')).then(
  () => console.log('schema.graphql written'),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
