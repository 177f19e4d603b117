import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

/** A key's secret, shown once: a warning, the value, a copy button and an explicit "done". */
export function SecretReveal({ secret, onDone }: { secret: string | null | undefined; onDone: () => void }) {
  return (
    <Stack>
      {secret ? (
        <>
          <Alert color="orange" title="Copy this secret now" role="alert">
            This is the only time Sluice shows it. Sluice keeps only a hash: if you lose the secret, rotate the key to get a new one.
          </Alert>
          <Code block data-testid="key-secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {secret}
          </Code>
        </>
      ) : (
        <Alert color="red" title="The secret is not available">
          This response did not include the secret (it was a replay of an earlier request). Rotate the key to get a new secret.
        </Alert>
      )}
      <Group justify="space-between">
        {secret ? (
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : 'blue'} onClick={copy} variant="light">
                {copied ? 'Copied' : 'Copy secret'}
              </Button>
            )}
          </CopyButton>
        ) : (
          <span />
        )}
        <Button onClick={onDone}>I have stored it</Button>
      </Group>
      <Text size="xs" c="dimmed">
        Use it as the bearer token (or OpenAI/Anthropic API key) against the gateway&apos;s /v1 endpoints.
      </Text>
    </Stack>
  );
}
