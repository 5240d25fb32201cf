import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ID_PATTERN } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, viewMapper } from '@chanjiao/edge';

const ID_MESSAGE = ({ property }: { property: string }) => `each of ${property} must be 1-64 letters, digits, ".", "_", ":" or "-"`;

export class CreateIndustryCollegeDto {
  @ApiProperty({ example: 'IC-01' }) @IsEntityId() collegeId!: string;
  @ApiProperty({ example: '纺织产业学院' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ type: [String], example: ['E001'], description: 'Partners (PUT /partners/{partnerId} first)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: ID_MESSAGE })
  partnerIds!: string[];
  @ApiPropertyOptional({ type: [String], example: ['460103'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: ID_MESSAGE })
  programCodes?: string[];
  @ApiProperty({ example: '2021-09-01' }) @IsCalendarDate() foundedOn!: string;
}

export class IndustryCollegeView {
  @ApiProperty() collegeId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) partnerIds!: string[];
  @ApiProperty({ type: [String] }) programCodes!: string[];
  @ApiProperty() foundedOn!: string;
  @ApiProperty({ description: 'Sequence of the latest event about this industry college' }) version!: number;
}

export const toIndustryCollegeView = viewMapper(IndustryCollegeView, [
  'collegeId',
  'name',
  'partnerIds',
  'programCodes',
  'foundedOn',
  'version',
]);
