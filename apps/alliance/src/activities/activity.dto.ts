import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { ACTIVITY_KINDS, ActivityKind } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, IsText, viewMapper } from '@chanjiao/edge';
import { distinctParticipants } from './activity.domain';

export const MAX_PARTICIPANTS = 5000;

/** participantCount, when given with participants, counts at least the distinct listed ones. */
const CoversListedParticipants = () =>
  ValidateBy({
    name: 'coversListedParticipants',
    validator: {
      validate: (count: unknown, args) => {
        const participants = (args?.object as { participants?: unknown }).participants;
        if (typeof count !== 'number' || !Array.isArray(participants) || !participants.every((p) => typeof p === 'string')) return true;
        return count >= distinctParticipants(participants as string[]).length;
      },
      defaultMessage: () => 'participantCount must be at least the number of distinct participants listed',
    },
  });

export class RecordActivityDto {
  @ApiProperty({ example: 'F-2022-01' })
  @IsEntityId()
  activityId!: string;

  @ApiProperty({ enum: ACTIVITY_KINDS })
  @IsIn(ACTIVITY_KINDS)
  kind!: ActivityKind;

  @ApiProperty({ example: '2022 巴州职业教育产教融合论坛' })
  @IsString()
  @IsText(200)
  title!: string;

  @ApiProperty({ example: '2022-09-16' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: false })
  @IsBoolean()
  online!: boolean;

  @ApiPropertyOptional({
    type: [String],
    description: 'Participating bodies: member ids or institution names (never people); duplicates count once',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @IsString({ each: true })
  @IsText(200, { each: true })
  participants?: string[];

  @ApiPropertyOptional({ description: 'Number of participating bodies; at least the distinct listed participants' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  @CoversListedParticipants()
  participantCount?: number;
}

export class ActivityBatchItemDto extends RecordActivityDto {
  @ApiProperty({ example: 'BZ-TEXTILE' }) @IsEntityId() allianceId!: string;
}

export class ActivityView {
  @ApiProperty() allianceId!: string;
  @ApiProperty() activityId!: string;
  @ApiProperty({ enum: ACTIVITY_KINDS }) kind!: ActivityKind;
  @ApiProperty() title!: string;
  @ApiProperty() date!: string;
  @ApiProperty() online!: boolean;
  @ApiProperty({ type: [String] }) participants!: string[];
  @ApiProperty({ nullable: true, type: Number }) participantCount!: number | null;
}

export const toActivityView = viewMapper(ActivityView, [
  'allianceId',
  'activityId',
  'kind',
  'title',
  'date',
  'online',
  'participants',
  'participantCount',
]);
